"""QR codes of invitation links as PNG bytes (qrcode with pypng: no imaging library needed)."""

from __future__ import annotations

import io

import qrcode
from qrcode.image.pure import PyPNGImage


def qr_png(link: str) -> bytes:
    # Medium error correction and a quiet zone of 4 modules: readable from a phone screen
    # and from paper; box size 8 keeps a typical link around 300 px square.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(link)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PyPNGImage).save(buffer)
    return buffer.getvalue()
