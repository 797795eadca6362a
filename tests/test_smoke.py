from tests.support import login


def test_login_page_answers_in_chinese(client):
    page = client.get("/login/").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and "登录" in page


def test_enterprise_user_lists_only_its_enterprise(client):
    login(client, "enterprise_01")
    body = client.get("/api/v1/enterprise/").get_json()
    assert body["count"] == 1
