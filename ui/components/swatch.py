import re

from nicegui import ui

from domain.models import Product

_HEX_COLOR = re.compile(r'#[0-9a-fA-F]{6}')
# a picture's address as CSS takes it inside url("…"): http(s) or the shop's own path, nothing that ends the string
_IMAGE_URL = re.compile(r'(https?://|/)[^\s"\'()\\<>]*')
NO_PICTURE = '#9ca3af'


class ProductSwatch(ui.element):
    """The product's picture, or its colour swatch where it has none."""

    def __init__(self, product: Product, size: str = 'w-full aspect-[4/3]') -> None:
        super().__init__('div')
        self.classes(f'{size} rounded-lg shadow-inner shrink-0')
        # Stored values go in as one style each, checked, never into a style string: a `;` or `"` there would add
        # declarations of its own
        if _IMAGE_URL.fullmatch(product.image_url or ''):
            self.style['background'] = f'center / cover url("{product.image_url}")'
        else:
            self.style['background-color'] = product.swatch if _HEX_COLOR.fullmatch(product.swatch or '') \
                else NO_PICTURE
