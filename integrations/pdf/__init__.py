"""PDF documents made with borb: the packing slip and the invoice. Importing this package opts out of borb's
usage statistics, so no PDF is ever made before that."""

from integrations.pdf.canvas import opt_out_of_usage_statistics

opt_out_of_usage_statistics()
