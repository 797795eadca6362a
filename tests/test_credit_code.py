from models.credit_code import credit_code_problem, is_valid_credit_code


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
