import pytest


@pytest.mark.django_db
def test_api_docs_and_schema_load_without_internet(client, django_user_model):
    # given
    user = django_user_model.objects.create_user("u", password="pw-123456789")
    client.force_login(user)
    # when
    docs = client.get("/api/docs/")
    schema = client.get("/api/schema/")
    # then
    assert docs.status_code == 200
    assert b"https://" not in docs.content.split(b"<body")[0]
    assert schema.status_code == 200
