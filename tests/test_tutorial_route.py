"""The built tutorial is served at /tutorial/ next to the demo, while DEBUG is on."""

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import tutorial_site.urls


@pytest.fixture
def built_site(tmp_path, settings):
    (tmp_path / "chapters" / "one").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<h1>Tutorial home</h1>")
    (tmp_path / "chapters" / "one" / "index.html").write_text("<h1>Chapter one</h1>")
    settings.TUTORIAL_SITE_DIR = tmp_path
    return tmp_path


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    try:
        return b"".join(response.streaming_content).decode()
    finally:
        response.close()  # a file response: close the file once read


def test_tutorial_pages_are_served(client, built_site, db):
    # db: closing a file response sends request_finished, whose receivers use it.
    assert "Tutorial home" in page_text(client, "/tutorial/")
    assert "Chapter one" in page_text(client, "/tutorial/chapters/one/")


def test_missing_page_is_404_and_path_tricks_are_refused(client, built_site):
    assert client.get("/tutorial/nope/").status_code == 404
    # Django's serve() refuses paths outside the directory: 400 Bad Request.
    assert client.get("/tutorial/../manage.py").status_code == 400
    assert client.get("/tutorial/%2e%2e/settings.py").status_code == 400


def test_a_path_the_file_system_refuses_is_a_404_not_a_500(client, built_site):
    # pathlib's exists() and is_dir() raise ENAMETOOLONG rather than answer False
    # for a name, or a path, longer than the file system allows.
    assert client.get("/tutorial/" + "a" * 300).status_code == 404
    assert client.get("/tutorial/" + "a/" * 3000).status_code == 404


def test_unbuilt_tutorial_is_a_clear_404(client, tmp_path, settings):
    settings.TUTORIAL_SITE_DIR = tmp_path / "missing"
    response = client.get("/tutorial/")
    assert response.status_code == 404


def test_tutorial_is_not_routed_when_debug_is_off():
    import importlib

    with override_settings(DEBUG=False):
        clear_url_caches()
        urls = importlib.reload(tutorial_site.urls)
        assert not [p for p in urls.urlpatterns if "tutorial" in str(p.pattern)]
    clear_url_caches()
    importlib.reload(tutorial_site.urls)


def test_favicon_is_answered_so_the_terminal_shows_no_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert client.post("/favicon.ico").status_code == 405


def test_content_named_assets_are_cached_for_good_and_pages_are_not(
    client, built_site, db
):
    bundle = built_site / "assets" / "javascripts" / "bundle.a5f9d56c.min.js"
    bundle.parent.mkdir(parents=True)
    bundle.write_text("/* bundle */")
    (built_site / "assets" / "extra.js").write_text("/* not content-named */")

    response = client.get("/tutorial/assets/javascripts/bundle.a5f9d56c.min.js")
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    response.close()
    for url in ("/tutorial/", "/tutorial/assets/extra.js"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.has_header("Cache-Control")
        response.close()


def test_the_login_page_links_to_its_chapter(client):
    response = client.get("/accounts/login/")
    assert b'href="/tutorial/chapters/05-custom-signal/"' in response.content
