from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "covernote.products"
    label = "products"
    verbose_name = "Product configuration"
