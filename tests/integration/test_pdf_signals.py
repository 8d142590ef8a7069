"""borb, left alone, posts usage statistics and takes over SIGINT and SIGTERM on its first write: Orderly opts out
before any PDF, so a server that made a PDF still stops when told to."""

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_process_that_made_a_pdf_still_stops_on_sigterm():
    script = textwrap.dedent('''
        import os, signal, time
        sigint = signal.getsignal(signal.SIGINT)  # Python's own, or SIG_IGN when started in the background
        import integrations.pdf  # opts out, as main.py does at start-up
        from integrations.pdf.packing_slip import PackingSlip, SlipLine, packing_slip_pdf
        slip = PackingSlip(shop_name='S', shop_address='', order_code='DEMO-1001', order_date='1 Jan 2026',
                           delivery_method='Pickup', recipient=('Ann',), lines=(SlipLine('A', 'B', 1),))
        assert packing_slip_pdf(slip).startswith(b'%PDF')
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL, signal.getsignal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGINT) is sigint, signal.getsignal(signal.SIGINT)
        print('made', flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        print('still running', flush=True)
    ''')
    result = subprocess.run([sys.executable, '-c', script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == 'made', result.stderr
    assert result.returncode == -signal.SIGTERM
