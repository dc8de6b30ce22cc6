def test_home_page_lists_a_published_post(client, make_post):
    make_post("MPs raise the alarm", body="> A long quote\n\nAnd a comment on it.")
    response = client.get("/")
    assert response.status_code == 200
    assert "MPs raise the alarm" in response.text
