"""统一社会信用代码 (unified social credit code), GB 32100-2015: format and check character.

The check character comes from python-stdnum (``stdnum.cn.uscc``). Its ``validate`` is not used: it
requires the first eight characters to be digits, while GB 32100 lets the registration department
and the organisation category (characters 1 and 2) be letters (Y: other departments, for one)."""

from __future__ import annotations

from functools import lru_cache

from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z


def check_character(first17: str) -> str:
    """The 18th character that GB 32100 computes from the first 17."""
    return uscc.calc_check_digit(first17)


@lru_cache(maxsize=4096)  # a registry import checks each enterprise's code once per project row
def credit_code_problem(code: str | None) -> str | None:
    """None when ``code`` is a valid code, otherwise what is wrong with it (Chinese, for users)."""
    if not code:
        return "请填写统一社会信用代码"
    code = code.strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return f"统一社会信用代码含有无效字符：{''.join(bad)}（不使用 I、O、S、V、Z）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {code[17]}"
    return None


def is_valid_credit_code(code: str | None) -> bool:
    return credit_code_problem(code) is None
