"""The pack files' JSON Schema: every key explained in Chinese, every seed pack's files accepted, the
usual slips (an unknown key, a wrong type or value) flagged; the editor and ``criteria schema`` serve it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from cli.criteria import criteria_group
from criteria.json_schema import FILES, file_schema, role_of
from criteria.kind_extends import merged, reference
from criteria.loader import CRITERIA_ROOT
from tests.support import login

CJK = re.compile(r"[\u4e00-\u9fff]")
SEED_PACKS = sorted(path for path in CRITERIA_ROOT.iterdir() if (path / "pack.yaml").is_file())


def described_keys(schema: dict) -> list[tuple[str, str]]:
    """(schema.key, description) of every property of every object in ``schema``."""
    found = []
    objects = [("", schema), *schema["$defs"].items()]
    for name, node in objects:
        for key, value in node.get("properties", {}).items():
            found.append((f"{name or 'root'}.{key}", value.get("description", "")))
    return found


@pytest.mark.parametrize("role", FILES)
def test_every_key_is_explained_in_chinese(role):
    keys = described_keys(file_schema(role))
    assert keys
    assert [key for key, text in keys if not CJK.search(text)] == []


def plain(data):
    """YAML data as JSON sees it (dates as text)."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("pack", SEED_PACKS, ids=lambda path: path.name)
def test_every_seed_pack_file_is_accepted(pack: Path):
    files = {path.name: path.read_text(encoding="utf-8") for path in pack.glob("*.yaml")}
    for name, text in files.items():
        role = role_of(files, name)
        assert role is not None, name
        data = yaml.safe_load(text)
        if reference(data):  # a kind file stating only what differs from another pack's: as merged
            data = merged(yaml.safe_load((pack.parent / reference(data)).read_text(encoding="utf-8")), data)
        jsonschema.validate(plain(data), file_schema(role))


def test_the_usual_slips_are_flagged():
    kind = yaml.safe_load((CRITERIA_ROOT / "qingdao" / "general.yaml").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(file_schema("kind"))
    kind["items"][0]["maxx"] = 5
    kind["header_fields"][0]["type"] = "number"
    kind["one_per_period"] = "yes"
    found = {(tuple(error.absolute_path), error.validator) for error in validator.iter_errors(plain(kind))}
    assert (("items", 0), "additionalProperties") in found
    assert (("header_fields", 0, "type"), "enum") in found
    assert (("one_per_period",), "type") in found


def test_criteria_schema_writes_one_file_per_role(tmp_path):
    result = CliRunner().invoke(criteria_group, ["schema", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "kind.schema.json").read_text(encoding="utf-8"))
    assert written["properties"]["items"]["description"] == "考核项目：名称、满分、考核标准和应提供的资料"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{role}.schema.json" for role in FILES)


def test_the_editor_carries_the_files_schema(app):
    client = app.test_client()
    login(client, "admin")
    page = client.get("/criteria-admin/files/edit/?path=general.yaml").get_data(as_text=True)
    assert 'data-schema="file-schema"' in page
    embedded = re.search(r'<script type="application/json" id="file-schema">(.*?)</script>', page, re.S)
    assert json.loads(embedded.group(1))["title"] == "考核类别"
    download = client.get("/criteria-admin/files/schema/?path=grading.yaml")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].endswith("grading.schema.json")
    assert json.loads(download.data)["properties"]["scales"]["description"].startswith("等次标准")
    assert client.get("/criteria-admin/files/schema/?path=nothing.yaml").status_code == 404
