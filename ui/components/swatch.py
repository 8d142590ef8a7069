from nicegui import ui

from domain.models import Product


class ProductSwatch(ui.element):
    """The product's picture, or its colour swatch where it has none."""

    def __init__(self, product: Product, size: str = 'w-full aspect-[4/3]') -> None:
        super().__init__('div')
        self.classes(f'{size} rounded-lg shadow-inner shrink-0')
        if product.image_url:
            self.style(f'background: center / cover url("{product.image_url}")')
        else:
            self.style(f'background-color: {product.swatch}')
