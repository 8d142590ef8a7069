"""Every fixed text of the shop's mails, in one place: translating the mails means translating this file.

`{name}` fields are filled in by the templates; the values are escaped there, never the wording.
"""

WORDING = {
    'confirmation_subject': 'Your order {code} at {shop}',
    'confirmation_title': 'Thank you for your order, {name}!',
    'confirmation_intro': 'We have received your order {code}. Here is what you ordered.',
    'merchant_subject': 'New order {code} from {name} ({total})',
    'merchant_test_subject': 'Test order {code} from {name} ({total})',
    'merchant_title': 'New order {code}',
    'merchant_intro': '{name} ordered {items} item(s) for {total}.',
    'merchant_test_note': 'This is a test order.',
    'merchant_open': 'Open the order',
    'status_subject': 'Your order {code}: {status}',
    'status_title': 'News about your order {code}',
    'status_intro': 'The status of your order is now: {status}.',
    'status_reference': 'Reference',
    'invoice_subject': 'Invoice {number} for your order {code}',
    'invoice_title': 'Your invoice {number}',
    'invoice_intro': 'Attached is invoice {number} for your order {code}, as a PDF.',
    'product': 'Product',
    'quantity': 'Qty',
    'price': 'Price',
    'line_total': 'Total',
    'subtotal': 'Subtotal',
    'shipping': 'Shipping',
    'total': 'Total',
    'vat_included': 'VAT included',
    'delivery': 'Delivery',
    'pickup_at': 'Pickup at {address}',
    'shipping_to': 'Shipping to',
    'customer': 'Customer',
    'your_note': 'Your note',
    'customer_note': 'Customer note',
    'order_code': 'Order code',
    'placed_at': 'Placed on {date}',
    'view_order': 'View your order',
    'pay_intro': 'Did your payment not go through? You can still pay for your order.',
    'pay': 'Pay for your order',
    'footer': 'Questions? Simply reply to this e-mail.',
    # Notices to the shop's owner (template shop_notice), one set per kind
    'api_push_disabled_subject': 'API PUSH endpoint disabled (410 Gone)',
    'api_push_disabled_title': 'API PUSH endpoint disabled',
    'api_push_disabled_intro': 'The receiver at {url} answered 410 Gone: it says it is gone for good. The endpoint '
                               'is switched off and gets no more events until you enable it again.',
    'api_push_given_up_subject': 'API PUSH delivery given up after {attempts} attempts',
    'api_push_given_up_title': 'API PUSH delivery given up',
    'api_push_given_up_intro': '{url} did not accept this event in {attempts} attempts over about three days, so '
                               'it is no longer retried. Once the receiver works again, redeliver it from the '
                               "endpoint's delivery log.",
    'api_push_open': 'Open Settings > API PUSH',
    'notice_endpoint': 'Endpoint',
    'notice_event': 'Event',
    'notice_last_error': 'Last error',
    'notice_footer': 'An automatic notice to the owner of the shop.',
}
