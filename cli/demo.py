"""``flask --app app demo``: seed districts, enterprises, projects, logins and sample assessments.

Running it again changes nothing: every record is found by its natural key first.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from cli import demo_city, demo_data, demo_history, demo_records
from criteria.pack import Kind, Pack
from grading import recompute
from models import AppUser, District, Enterprise, Project, db
from models.criteria_versions import Pinned, active_version, pinned_values
from models.record_scores import final_states, settle
from storage import evidence_store


def _users(pack: Pack, companies: list[Enterprise]) -> list[tuple[str, str, str]]:
    """Create the demo logins that do not exist yet; returns (username, role label, scope) rows."""
    sm = current_app.appbuilder.sm
    districts = {d.code: d for d in db.session.query(District)}
    wanted: list[tuple[str, str, str, dict]] = []
    for role in pack.roles:
        if role.scope == "all":
            wanted.append((role.code, role.label, "全部", {}))
        elif role.scope == "district":
            for district in pack.districts:
                wanted.append((f"{role.code}_{district.code}", role.label, district.name, {"districts": [districts[district.code]]}))
        else:
            for index, company in enumerate(companies):
                wanted.append((f"{role.code}_{index + 1:02d}", role.label, company.name, {"enterprise": company}))
    rows = []
    for index, (username, label, scope, attach) in enumerate(wanted):
        if sm.find_user(username=username) is None:
            surname, given = demo_data.person_name(index)
            user = sm.add_user(username, given, surname, f"{username}@demo.invalid", [sm.find_role(label)], demo_data.DEMO_PASSWORD)
            if user is None:
                raise click.ClickException(f"无法创建用户 {username}")
            for key, value in attach.items():
                setattr(user, key, value)
            db.session.commit()
        rows.append((username, label, scope))
    return rows


def _assessments(version: Pinned, companies: list[Enterprise], projects: list[Project]) -> list[tuple[Kind, Any]]:
    """The sample records not there yet, each in one state of its workflow; returns those created."""
    models = current_app.extensions["kind_models"]
    pack = version.pack
    rng = random.Random(demo_data.SEED + 2)
    created: list[tuple[Kind, Any]] = []
    for kind in pack.kinds.values():
        assessment_model = models[kind.code].assessment
        subjects = projects[:5] if kind.subject == "project" else companies[:5]
        states = [s.code for s in kind.workflow.states]
        for index, subject in enumerate(subjects):
            key = {"project_id": subject.id} if kind.subject == "project" else {"enterprise_id": subject.id}
            if db.session.query(assessment_model).filter_by(period=demo_data.PERIOD, **key).first():
                continue
            record = assessment_model(
                period=demo_data.PERIOD,
                state=states[index % len(states)],
                **pinned_values(version, kind),
                enterprise_id=subject.enterprise_id if kind.subject == "project" else subject.id,
                project_id=subject.id if kind.subject == "project" else None,
                **demo_records.header(kind, pack, rng),
            )
            reviewed = record.state in final_states(kind)
            item_model = models[kind.code].item
            record.items = [item_model(**row) for row in demo_records.items(kind, rng, reviewed)]
            if reviewed and kind.items:
                settle(pack, kind, record)
            for key, value in demo_records.verdict(pack, kind, record.state, datetime.datetime.now()).items():
                setattr(record, key, value)
            db.session.add(record)
            created.append((kind, record))
    db.session.commit()
    return created


def _history(pack: Pack, created: list[tuple[Kind, Any]]) -> tuple[int, int]:
    """The review steps of the new sample records, the materials of settled checklists and the
    required files of settled records."""
    users = db.session.query(AppUser).order_by(AppUser.id).all()
    steps = sum(demo_history.add_history(db.session, pack, kind, record, users, index) for index, (kind, record) in enumerate(created))
    evidence = evidence_store(current_app.config)
    files = demo_history.add_dossiers(db.session, pack, created, evidence)
    files += demo_history.add_record_files(db.session, created, evidence)
    db.session.commit()
    return steps, files


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice(["sample", *demo_city.SCALES]),
    default="sample",
    show_default=True,
    help="sample：少量示例数据；city：城市规模（6000 家企业、8000 个项目及一个年度的已审核考核）；quick：城市规模的十分之一；"
    "city3、city10：城市规模的 3 倍、10 倍（约一个省）",
)
@click.option("--seed", type=int, default=demo_data.SEED, show_default=True, help="随机种子（相同种子生成相同数据）")
@with_appcontext
def demo_command(scale: str, seed: int) -> None:
    """填充演示数据（辖区、企业、项目、各角色用户、示例考核），重复运行不会产生重复数据。"""
    pack: Pack = current_app.extensions["criteria_pack"]
    version = active_version()
    if version.id is None:
        raise click.ClickException("数据库尚未同步考核标准：请先运行 flask --app app platform sync")
    districts = {d.code: d for d in db.session.query(District)}
    codes = [d.code for d in pack.districts]

    city = pack.region.removesuffix("市")
    companies: list[Enterprise] = []
    for sample in demo_data.enterprises(codes, city=city):
        company = db.session.query(Enterprise).filter_by(credit_code=sample.credit_code).first()
        if company is None:
            company = Enterprise(
                name=sample.name,
                credit_code=sample.credit_code,
                is_local=sample.is_local,
                district=districts[sample.district_code],
                licence_no=sample.licence_no,
                contact_person="安全科",
                contact_phone="0532-88886666",
            )
            db.session.add(company)
        companies.append(company)
    db.session.commit()
    by_code = {c.credit_code: c for c in companies}

    projects: list[Project] = []
    for sample in demo_data.projects(demo_data.enterprises(codes, city=city), codes):
        project = db.session.query(Project).filter_by(permit_no=sample.permit_no).first()
        if project is None:
            project = Project(
                name=sample.name,
                permit_no=sample.permit_no,
                enterprise=by_code[sample.enterprise_code],
                district=districts[sample.district_code],
                project_manager=sample.manager,
                building_area=Decimal(sample.area),
            )
            db.session.add(project)
        projects.append(project)
    db.session.commit()

    logins = _users(pack, companies)
    created = _assessments(version, companies, projects)
    people = demo_records.people(db.session, pack, companies[0])  # one certificate expired, to show the warning
    steps, materials = _history(pack, created)
    applications = demo_records.registration(db.session, pack, codes)
    recompute(db.session, version.pack, current_app.extensions["kind_models"], demo_data.PERIOD, version_id=version.id)
    word = pack.term("district")
    click.echo(f"演示数据：{len(districts)} 个{word}，{len(companies)} 家企业，{len(projects)} 个项目，新建示例考核 {len(created)} 份。")
    if steps or materials:
        click.echo(f"办理记录：示例考核的办理和审核步骤 {steps} 条，示例文件（申报材料和必传附件） {materials} 份。")
    if people:
        click.echo(f"人员名单：为 {companies[0].name} 登记示例人员 {people} 名（其中 1 名证书已过期，证书扫描件待上传）。")
    if applications:
        click.echo(f"企业注册：待审核的注册申请 {applications} 份（{pack.districts[0].name}主管部门审核）。")
    click.echo(f"所有演示账号的密码：{demo_data.DEMO_PASSWORD}")
    click.echo("账号（部分）：")
    shown: dict[str, int] = {}
    for username, label, scope in logins:
        shown[label] = shown.get(label, 0) + 1
        if shown[label] <= 2:
            click.echo(f"  {username:<28} {label:<10} {scope}")
    if scale != "sample":
        demo_city.generate(db.session, version, current_app.extensions["kind_models"], demo_city.SCALES[scale], seed, click.echo)
    click.echo(f"管理员登录：用户名 admin，密码 {demo_data.DEMO_PASSWORD}")
