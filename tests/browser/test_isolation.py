"""The browser tests share one context (conftest.SharedContext): each one still
starts as a first-time visitor, with nothing left by the tests before it."""

CLIPBOARD_STATE = (
    "navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state)"
)


def test_reset_forgets_pages_cookies_permissions_and_stored_data(
    shared_context, base_url
):
    context, keeper = shared_context.context, shared_context.keeper
    page = context.new_page()
    context.add_cookies([{"name": "djdt", "value": "hide", "url": base_url}])
    context.grant_permissions(["clipboard-read"], origin=base_url)
    keeper.evaluate("localStorage.setItem('__palette', 'slate')")
    assert keeper.evaluate(CLIPBOARD_STATE) == "granted"

    shared_context.reset()

    assert page.is_closed()
    assert context.pages == [keeper]
    assert context.cookies() == []
    assert keeper.evaluate(CLIPBOARD_STATE) == "prompt"
    assert keeper.evaluate("localStorage.length") == 0
