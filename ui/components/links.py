"""How links look on every page, admin and storefront alike."""

# NiceGUI's link blue (#3b82f6) reaches only 3.7:1 on white and 3.4:1 on stone-100; Tailwind's blue-700 reaches
# 6.7:1 on white and 6.1:1 on stone-100 (WCAG AA asks 4.5:1 for text). In NiceGUI's own layer, after its rule:
# utilities such as `text-inherit` (the storefront's header links) still win over it.
LINK_CSS = '@layer nicegui { .nicegui-link { color: #1d4ed8; } }'
