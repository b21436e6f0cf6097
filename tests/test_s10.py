"""UPU S10 tracking numbers (SPEC §4)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.shipments import s10

ALLOWED_INDICATORS = st.from_regex(r"\A[A-HILMNOPQRUVXYZ][A-Z]\Z")
SERIALS = st.integers(min_value=1, max_value=s10.MAX_SERIAL)


def test_check_digit_of_the_spec_example():
    assert s10.check_digit("47312482") == 9


@pytest.mark.parametrize(("serial", "digit"), [
    ("00000000", 5),  # S mod 11 = 0, C = 11 -> 5
    ("00000008", 0),  # S = 56, 56 mod 11 = 1, C = 10 -> 0
    ("00000001", 4),  # S = 7, C = 4
])
def test_check_digit_edge_cases(serial, digit):
    assert s10.check_digit(serial) == digit


@pytest.mark.parametrize("serial", ["4731248", "473124820", "4731248A", "", "\u0664\u0667312482"])
def test_check_digit_needs_eight_digits(serial):
    with pytest.raises(ValueError, match="exactly 8 digits"):
        s10.check_digit(serial)


@pytest.mark.parametrize("number", ["EE471108151FR", "EB000717595HK"])
def test_spec_examples_are_valid(number):
    assert s10.is_valid(number)


@pytest.mark.parametrize("number", [
    "EB000717594HK",  # the SPEC's invalid example: wrong check digit
    "EB00071759HK",   # one digit short
    "eb000717595hk",  # lower case
    "E1000717595HK",
    "EB000717595H",
    "EB000717595HK\n",                # a trailing newline
    " EB000717595HK",
    "EB\u0660\u0660\u0660717595HK",  # Arabic-Indic digits are digits to str.isdigit
    "",
])
def test_invalid_numbers(number):
    assert not s10.is_valid(number)


def test_compose():
    assert s10.compose("EE", 47110815, "FR") == "EE471108151FR"
    assert s10.compose("HA", 1) == "HA000000014VN"
    assert s10.compose("HB", 47312482) == "HB473124829VN"


@pytest.mark.parametrize("serial", [0, -1, s10.MAX_SERIAL + 1])
def test_compose_refuses_serials_outside_eight_digits(serial):
    with pytest.raises(ValueError, match="outside"):
        s10.compose("HA", serial)


@pytest.mark.parametrize("indicator", ["JA", "KB", "SA", "TZ", "WX"])
def test_reserved_indicators_are_refused(indicator):
    with pytest.raises(ValueError, match="J, K, S, T or W"):
        s10.compose(indicator, 1)
    with pytest.raises(ValueError, match="J, K, S, T or W"):
        s10.validate_indicator(indicator)


@pytest.mark.parametrize("indicator", ["H", "HAB", "ha", "H1", ""])
def test_malformed_indicators_are_refused(indicator):
    with pytest.raises(ValueError, match="two capital letters"):
        s10.validate_indicator(indicator)


@given(indicator=ALLOWED_INDICATORS, serial=SERIALS)
def test_composed_numbers_are_valid(indicator, serial):
    number = s10.compose(indicator, serial)
    assert len(number) == 13
    assert number.startswith(indicator) and number.endswith("VN")
    assert s10.is_valid(number)


def _weighted_remainder(serial: str) -> int:
    return sum(int(d) * w for d, w in zip(serial, s10.WEIGHTS, strict=True)) % 11


@given(indicator=ALLOWED_INDICATORS, serial=SERIALS,
       position=st.integers(min_value=0, max_value=7), shift=st.integers(min_value=1, max_value=9))
def test_changing_one_serial_digit_breaks_validity(indicator, serial, position, shift):
    """Every weight is prime to 11, so one changed digit always changes S mod 11; the number
    stays valid only across the one collision the SPEC's mapping makes (C = 5 and C = 11 -> 5)."""
    number = s10.compose(indicator, serial)
    digits = list(number[2:10])
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = number[:2] + "".join(digits) + number[10:]
    before, after = _weighted_remainder(number[2:10]), _weighted_remainder(changed[2:10])
    assert before != after
    if {before, after} == {0, 6}:  # C = 11 and C = 5: both give check digit 5
        assert s10.is_valid(changed)
    else:
        assert not s10.is_valid(changed)


def test_the_one_undetected_single_digit_change():
    # S mod 11 = 6 (C = 5) and S mod 11 = 0 (C = 11 -> 5): the S10 scheme cannot tell them apart.
    assert s10.is_valid("HA000199975VN") and s10.is_valid("HA000199935VN")


@given(indicator=ALLOWED_INDICATORS, serial=SERIALS, shift=st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_breaks_validity(indicator, serial, shift):
    number = s10.compose(indicator, serial)
    changed = number[:10] + str((int(number[10]) + shift) % 10) + number[11:]
    assert not s10.is_valid(changed)
