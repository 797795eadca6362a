from models.credit_code import check_character, credit_code_problem, is_valid_credit_code
from models.id_number import check_character as id_check
from models.id_number import id_number_problem


def test_published_codes_are_valid():
    assert is_valid_credit_code("91350100M000100Y43")


def test_wrong_check_character_names_the_expected_one():
    assert credit_code_problem("91350100M000100Y44") == "统一社会信用代码校验位错误：第18位应为 3，实际为 4"


def test_length_and_forbidden_letters():
    assert credit_code_problem("9135010") == "统一社会信用代码应为18位，当前为7位"
    assert "不使用 I、O、S、V、Z" in credit_code_problem("91350100M00010OY43")
    assert credit_code_problem("") == "请填写统一社会信用代码"


def test_lower_case_is_accepted():
    assert is_valid_credit_code("91350100m000100y43")


def test_a_letter_registration_department_is_a_valid_code():
    """GB 32100 lets the first two characters be letters (Y: other registration departments)."""
    body = "Y1370200MA3C4AB00"
    assert is_valid_credit_code(body + check_character(body))


def test_holders_born_before_their_county_had_its_code_are_valid():
    """崂山区 got 370212 in 1994; numbers issued there to people born earlier carry it all the same."""
    body = "37021219600101001"
    assert id_number_problem(body + id_check(body)) is None
    assert id_number_problem(body + "X" if id_check(body) != "X" else body + "0").startswith("身份证号校验位错误")
    assert id_number_problem("370212196002300010") == "身份证号中的出生日期 19600230 不是有效日期"
