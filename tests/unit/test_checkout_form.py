import pytest

from domain.errors import InvalidCheckout
from domain.schemas import DeliveryMethod, parse_checkout

VALID = {'name': 'Ann Peeters', 'email': 'ann@example.com', 'street': 'Kerkstraat 1', 'postal_code': '9000',
         'city': 'Gent', 'country': 'BE', 'delivery_method': 'shipping', 'lines': [{'product_id': 1, 'quantity': 2}],
         'idempotency_key': 'k' * 24}


def errors_of(**changes) -> dict[str, str]:
    with pytest.raises(InvalidCheckout) as caught:
        parse_checkout({**VALID, **changes})
    return caught.value.field_errors


def test_valid_form_is_accepted_and_trimmed():
    form = parse_checkout({**VALID, 'name': '  Ann Peeters '})
    assert parse_checkout({k: v for k, v in VALID.items() if k != 'country'}).country == 'BE'
    assert form.name == 'Ann Peeters'
    assert form.delivery_method is DeliveryMethod.SHIPPING


def test_empty_name_is_refused_with_a_message_for_the_name_field():
    assert errors_of(name='   ') == {'name': 'Please enter your name.'}


@pytest.mark.parametrize('email', ['', 'ann', 'ann@', 'ann@@example.com', 'ann example@x.com'])
def test_malformed_email_is_refused(email):
    assert 'valid e-mail' in errors_of(email=email)['email']


@pytest.mark.parametrize('quantity', [0, -1, 1000])
def test_quantity_outside_1_to_999_is_refused_on_its_line(quantity):
    assert errors_of(lines=[{'product_id': 1, 'quantity': quantity}]) == {
        'lines.0': 'Please choose a quantity between 1 and 999.'}


def test_empty_cart_is_refused():
    assert errors_of(lines=[]) == {'lines': 'Your cart is empty.'}


def test_shipping_needs_an_address_but_pickup_does_not():
    assert set(errors_of(street='', city='')) == {'street', 'city'}
    form = parse_checkout({**VALID, 'delivery_method': 'pickup', 'street': '', 'postal_code': '', 'city': ''})
    assert form.delivery_method is DeliveryMethod.PICKUP


def test_several_mistakes_are_reported_together():
    assert set(errors_of(name='', email='nope', phone='call me')) == {'name', 'email', 'phone'}


def test_missing_idempotency_key_asks_to_reload():
    assert 'reload' in errors_of(idempotency_key='')['idempotency_key']


@pytest.mark.parametrize(('field', 'value'), [('name', 'Ann\x00Peeters'), ('name', 'Ann\u202esreteeP'),
                                              ('email', 'ann\u200b@example.com'), ('street', 'Kerkstraat\x1b 1'),
                                              ('city', 'Gent\u2066'), ('postal_code', '90\x0000'),
                                              ('note', 'Ring twice\x00')])
def test_checkout_refuses_invisible_and_control_characters_with_the_fields_message(field, value):
    with pytest.raises(InvalidCheckout) as refused:
        parse_checkout({**VALID, field: value})
    assert 'invisible or control character' in refused.value.field_errors[field]


def test_checkout_keeps_accents_emoji_and_the_notes_lines():
    form = parse_checkout({**VALID, 'name': 'Zoë 李 👩\u200d💻', 'note': 'Ring twice\nthen wait\tplease'})
    assert form.name == 'Zoë 李 👩\u200d💻' and form.note == 'Ring twice\nthen wait\tplease'
