"""Problems of a pack in Chinese, for the criteria editor: file, line, path and what was expected.

``criteria check`` prints the loader's messages as they are; the editor shows the same problems
to an admin, so each known message shape is said again in Chinese (an unknown one keeps its text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from criteria.errors import Problem

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

KEYS = {"code": "代码", "label": "名称"}
# PyYAML's reasons for a syntax error, the common ones.
YAML_REASONS = {
    "mapping values are not allowed in this context": "此处不能出现“键: 值”（常见原因：冒号后的文字含冒号却未加引号，或缩进不对）",
    "mapping values are not allowed here": "此处不能出现“键: 值”（常见原因：冒号后的文字含冒号却未加引号，或缩进不对）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "含有制表符（Tab）：YAML 只能用空格缩进",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found undefined alias": "引用了未定义的别名",
}


def yaml_zh(reason: str) -> str:
    for english, chinese in YAML_REASONS.items():
        if reason.startswith(english):
            return chinese
    return f"文件格式不正确（{reason}）"


def _rule(pattern: str, text: str | Callable[[re.Match[str]], str]) -> Rule:
    render = text if callable(text) else (lambda found, template=text: template.format(*found.groups()))
    return re.compile(f"^{pattern}$"), render


RULES: list[Rule] = [
    _rule(r"is required", "缺少此项（必填）"),
    _rule(r"must not be empty", "不能为空"),
    _rule(r"must be a string", "应为文字"),
    _rule(r"must be a number", "应为数字"),
    _rule(r"must be a whole number", "应为整数"),
    _rule(r"must be true or false", "应为 true 或 false"),
    _rule(r"must be a list", "应为列表"),
    _rule(r"must be a mapping", "应为“键: 值”形式的映射"),
    _rule(r"must be a YAML mapping of keys to values", "文件内容应为“键: 值”形式的 YAML 映射"),
    _rule(r"unknown key", "不认识的键（拼写错误，或此处不允许该键）"),
    _rule(r"duplicate key", "键重复"),
    _rule(r"file not found", "文件不存在"),
    _rule(r"extends goes round in a circle: (.*)", "extends 形成了循环：{0}（考核标准不能直接或间接基于自己）"),
    _rule(
        r"file not found, nor in the pack folder '(.*)' it extends \(not beside this one\)",
        "文件不存在，所基于的考核标准目录 {0}（extends）也不在旁边",
    ),
    _rule(r"is a directory, not a file", "这是文件夹，不是文件"),
    _rule(r"is a symbolic link, not a file of the pack folder", "这是符号链接，考核标准文件必须是目录中的普通文件"),
    _rule(r"the file is longer than (\d+) characters", "文件过长（超过 {0} 个字符）"),
    _rule(r"YAML anchors and aliases \(&name, \*name\) are not allowed", "不允许使用 YAML 锚点和别名（&名称、*名称），请直接写出内容"),
    _rule(r"not a directory", "考核标准目录不存在"),
    _rule(r"not UTF-8 text \((.*)\)", "不是 UTF-8 编码的文本（{0}）"),
    _rule(r"must list at least one entry", "至少要列出一项"),
    _rule(r"unknown part '(.*)' \(use (.*)\)", "编号中不认识的部分“{0}”（可用：{1}）"),
    _rule(r"needs \{serial\}, so that no two forms share a number", "编号须含 {{serial}}（流水号），否则两份考核表会同号"),
    _rule(
        r"only \{serial\} takes a width, such as \{serial:04d\} \(found '(.*)'\)",
        "只有流水号可以指定位数，如 {{serial:04d}}（此处是“{0}”）",
    ),
    _rule(r"is not a valid pattern \((.*)\)", "编号格式不正确（{0}）"),
    _rule(
        r"unknown placeholder '(.*)' \(use \{name\}, the sub-table's name\)",
        "标题中不认识的占位符“{0}”（只能用 {{name}}，即分项检查评分表名称）",
    ),
    _rule(r"is not a valid title \((.*)\)", "标题格式不正确（{0}）：花括号只能用于 {{name}}"),
    _rule(r"duplicate header line '(.*)' \(also (.*)\)", "表头行“{0}”重复（与 {1} 相同）"),
    _rule(r"unknown header line '(.*)' \(use one of: (.*)\)", "未知的表头行“{0}”（可用：{1}）"),
    _rule(r"'(.*)' is only shown where sub-tables are scored", "栏目“{0}”只用于按分项检查评分表计分（weighted_categories）的考核类别"),
    _rule(r"only a kind that scores sub-tables prints them", "只有按分项检查评分表计分（weighted_categories）的考核类别才打印此项"),
    _rule(r"makes numbers of up to (\d+) characters, more than (\d+)", "按此格式编号最长可达 {0} 个字符，超过了 {1} 个字符的上限"),
    _rule(r"must be one of: (.*)", "应为以下之一：{0}"),
    _rule(r"must be greater than (\S+)", "应大于 {0}"),
    _rule(r"must be at least (\S+)", "应不小于 {0}"),
    _rule(r"must be between (\S+) and (\S+)", "应在 {0} 到 {1} 之间"),
    _rule(r"must be greater than min", "应大于 min（最低分）"),
    _rule(
        r"'(.*)' is not a valid code \(lower-case letters, digits and _\)",
        "“{0}”不是有效的代码（只能用小写字母、数字和下划线，且以字母开头）",
    ),
    _rule(
        r"'(.*)' is not a file name of the pack folder \(letters, digits, _ \. -, ending in \.yaml\)",
        "“{0}”不是考核标准目录中的文件名（字母、数字、_ . -，以 .yaml 结尾，不能含目录）",
    ),
    _rule(r"'(.*)' must equal the folder name '(.*)'", "“{0}”应与目录名“{1}”相同"),
    _rule(r"'(.*)' is listed twice", "“{0}”列出了两次"),
    _rule(r"duplicate kind code '(.*)' \(also in (.*)\)", "考核类别代码“{0}”重复（{1} 中也有）"),
    _rule(r"duplicate (\w+) '(.*)' \(also (.*)\)", lambda found: f"{KEYS.get(found[1], found[1])}“{found[2]}”重复（与 {found[3]} 相同）"),
    _rule(r"exactly one role must be admin: true \(found (\d+)\)", "必须恰好有一个角色设置 admin: true（现有 {0} 个）"),
    _rule(r"unknown role '(.*)'", "未知的角色“{0}”（roles.yaml 中没有）"),
    _rule(r"unknown state '(.*)'", "未知的状态“{0}”（workflow.states 中没有）"),
    _rule(r"unknown scale '(.*)' \(not in grading\.yaml\)", "未知的等次标准“{0}”（grading.yaml 中没有）"),
    _rule(r"unknown scale '(.*)'", "未知的等次标准“{0}”"),
    _rule(r"unknown band '(.*)' of scale '(.*)'", "等次标准“{1}”中没有等次“{0}”"),
    _rule(r"unknown band '(.*)'", "未知的等次“{0}”"),
    _rule(r"unknown kind '(.*)'", "未知的考核类别“{0}”"),
    _rule(r"unknown final grade '(.*)'", "未知的最终等次“{0}”"),
    _rule(r"unknown veto '(.*)' \(not a veto in any catalogue\)", "未知的否决条目“{0}”（日常考核目录中没有该否决项）"),
    _rule(r"unknown sub-table '(.*)'", "未知的分项检查评分表“{0}”"),
    _rule(r"unknown header field '(.*)'", "未知的表头字段“{0}”"),
    _rule(r"sub-table '(.*)' already feeds (.*)", "分项检查评分表“{0}”已用于 {1}"),
    _rule(r"sub-table '(.*)' feeds no item", "分项检查评分表“{0}”没有对应的考核项目"),
    _rule(r"max scores add up to (\S+), but total is (\S+)", "各考核项目满分合计为 {0}，但总分（total）为 {1}"),
    _rule(r"line max scores add up to (\S+), not (\S+)", "检查项满分合计为 {0}，应为 {1}"),
    _rule(r"weights add up to (\S+), but weights_total is (\S+)", "权重合计为 {0}，但 weights_total 为 {1}"),
    _rule(r"gap between (\S+) and (\S+): no band covers it", "{0} 到 {1} 之间没有等次覆盖（等次区间有空档）"),
    _rule(r"overlaps the band below between (\S+) and (\S+)", "与下一等次在 {0} 到 {1} 之间重叠"),
    _rule(r"a band reaches (\S+), above the scale max (\S+)", "有等次到达 {0}，超过了最高分 {1}"),
    _rule(r"'(.*)' is a built-in column name", "“{0}”是内置字段名，不能用作表头字段代码"),
    _rule(r"the kind has no catalogue", "该考核类别没有目录（catalogue）"),
    _rule(r"is required when the kind has items", "考核类别有考核项目时必须填写"),
    _rule(r"is required for weighted categories", "权重分类评分（weighted_categories）时必须填写"),
    _rule(r"is required when several sub-tables feed a category", "一个类别对应多个分项检查评分表时必须填写"),
    _rule(r"only weighted_categories scoring uses sub-tables", "只有权重分类评分（weighted_categories）使用分项检查评分表"),
    _rule(r"no catalogue entry is in group '(.*)'", "目录中没有属于分组“{0}”的条目"),
    _rule(r"is required for catalogue scoring", "目录评分（catalogue）时必须填写"),
    _rule(r"a kind with a catalogue must use catalogue scoring", "有目录的考核类别必须使用目录评分（catalogue）"),
    _rule(r"exactly one status must mean '(.*)' \(found (\d+)\)", "必须恰好有一个审核结论的含义为“{0}”（现有 {1} 个）"),
    _rule(r"exactly one of source and composite is required", "source 和 composite 必须且只能填写其一"),
    _rule(r"is required for projects_in_band_at_least", "条件为 projects_in_band_at_least 时必须填写"),
    _rule(r"exactly one of final_grade and kind is required", "final_grade 和 kind 必须且只能填写其一"),
    _rule(r"only a final_grade part is aggregated", "只有 final_grade 部分可以设置 aggregate"),
    _rule(r"a kind is only counted by projects_in_band_at_least", "只有条件为 projects_in_band_at_least 时可以按考核类别计数"),
    _rule(r"a grade rated by the reviewer needs the source that suggests it", "由审核人评定的等次须同时填写 source（提供建议评定的得分）"),
    _rule(r"kind '(.*)' is assessed per project, not per enterprise", "考核类别“{0}”按项目考核，不能作为企业的得分部分"),
    _rule(r"kind '(.*)' is not assessed per project", "考核类别“{0}”不是按项目考核的类别"),
    _rule(r"kind '(.*)' is rated by the reviewer and has no score to grade", "考核类别“{0}”由审核人评定等次，没有可用于计算的得分"),
    _rule(r"kind '(.*)' is scored, not rated by the reviewer", "考核类别“{0}”计分，不由审核人评定等次"),
    _rule(r"kind '(.*)' rates on scale '(.*)', not on '(.*)'", "考核类别“{0}”按等次标准“{1}”评定，与该等次的“{2}”不同"),
    _rule(r"final grades need each other: (.*)", "最终等次相互依赖，无法计算：{0}"),
    _rule(
        r"'(.*)' should name another pack's kind file, as <pack>/<file>.yaml",
        "“{0}”应写成另一考核标准的考核类别文件，格式为 考核标准代码/文件名.yaml",
    ),
    _rule(
        r"'(.*)' not found \(a pack folder beside this one, or kept with the version\)",
        "找不到“{0}”（应为同级目录中的另一考核标准，或随版本保存的文件）",
    ),
    _rule(r"'(.*)' extends another kind file itself; extend that one directly", "“{0}”本身也基于另一文件，请直接基于那个文件"),
    _rule(r"a veto entry is a veto already", "否决条目本身即为否决，不需要 repeat_veto"),
    _rule(r"'(.*)' is not a date field of the kind", "“{0}”不是本考核类别的日期字段"),
    _rule(r"only a string field takes max_length", "只有 string 类型的字段可以设置 max_length"),
    _rule(r"a choice field needs exactly one of choices and choices_from", "choice 类型的字段必须且只能设置 choices 或 choices_from 其一"),
    _rule(r"only a choice field takes choices", "只有 choice 类型的字段可以设置选项"),
    _rule(r"a veto carries no points", "否决条目不能设置分值"),
    _rule(r"is required for a veto", "否决条目必须填写"),
    _rule(r"a bonus must be greater than 0", "加分条目的分值应大于 0"),
    _rule(r"a deduction must be less than 0", "扣分条目的分值应小于 0"),
    _rule(
        r"YAML syntax error at line (\d+), column (\d+): (.*)",
        lambda found: f"YAML 格式错误（第 {found[1]} 行第 {found[2]} 列）：{yaml_zh(found[3])}",
    ),
    _rule(r"YAML syntax error at line (\S+): (.*)", lambda found: f"YAML 格式错误（第 {found[1]} 行）：{yaml_zh(found[2])}"),
    _rule(r"YAML syntax error: (.*)", lambda found: f"YAML 格式错误：{yaml_zh(found[1])}"),
]


def message_zh(message: str) -> str:
    for pattern, render in RULES:
        found = pattern.match(message)
        if found:
            return render(found)
    return message


def line_of(problem: Problem) -> int | None:
    """The problem's line, also for a syntax error (which names it inside the message)."""
    if problem.line:
        return problem.line
    found = re.search(r"at line (\d+)", problem.message)
    return int(found.group(1)) if found else None


# What an entry of a list is, and what its keys are, in the guide's words (``subject_of``).
ENTRIES = {
    "items": "考核项目",
    "header_fields": "表头字段",
    "catalogue": "日常考核条目",
    "scales": "等次标准",
    "grades": "等次",
    "materials": "材料",
    "personnel": "人员名单",
    "vetoes": "否决事项",
    "districts": "辖区",
    "roles": "角色",
    "record_evidence": "证明材料",
    "final_grades": "最终等次",
}
ENTRY_KEYS = {
    "max": "满分",
    "weight": "权重",
    "name": "名称",
    "label": "名称",
    "code": "代码",
    "standard": "评分标准",
    "evidence": "证明材料",
    "type": "类型",
    "required": "是否必填",
    "points": "分值",
    "min": "下限",
    "max_length": "最大长度",
}
ENTRY_PATH = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+))?(.*)$")


def subject_of(path: str, data: object) -> str | None:
    """What ``path`` points at, named from the file's data: ``items[1].max`` -> 考核项目“安全生产投入”的满分."""
    found = ENTRY_PATH.match(path or "")
    if found is None or found.group(1) not in ENTRIES or not isinstance(data, dict):
        return None
    entries = data.get(found.group(1))
    index = int(found.group(2))
    if not isinstance(entries, list) or index >= len(entries) or not isinstance(entries[index], dict):
        return None
    entry = entries[index]
    name = entry.get("name") or entry.get("label") or entry.get("code")
    if not isinstance(name, (str, int)):
        return None
    subject = f"{ENTRIES[found.group(1)]}“{name}”"
    key, rest = found.group(3), found.group(4)
    if key and not rest:
        return f"{subject}的{ENTRY_KEYS.get(key, key)}"
    return subject


def problem_zh(problem: Problem) -> str:
    """``文件 第 N 行 路径：说明`` for one problem; the path with what it points at when the loader
    named it (``考核项目“安全生产投入”的满分（items[1].max）``)."""
    line = line_of(problem)
    where = [problem.file.rsplit("/", 1)[-1]]
    if line:
        where.append(f"第 {line} 行")
    if problem.path:
        where.append(f"{problem.subject}（{problem.path}）" if problem.subject else problem.path)
    return f"{' '.join(where)}：{message_zh(problem.message)}"
