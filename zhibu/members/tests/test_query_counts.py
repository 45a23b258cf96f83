"""Query counts of the member list and the organisation tree are part of their contract (STYLE):
constant in the number of rows, with data large enough to expose an N+1."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhibu.conftest import World
from zhibu.members.tests.factories import make_member
from zhibu.orgs.tests.factories import make_org


@pytest.fixture
def big_world(world: World) -> World:
    """Three more branches with groups, 40 members each, so a page holds 50 rows across branches."""
    for index in range(3):
        branch = make_org(f"X{index}", "branch", world.general_branch, name=f"扩展党支部{index}")
        groups = [make_org(f"X{index}G{g}", "group", branch, name=f"第{g}小组") for g in range(2)]
        for n in range(40):
            make_member(
                branch,
                f"成员{index}-{n}",
                group=groups[n % 2],
                is_mobile=n % 7 == 0,
                mobile_destination="广州" if n % 7 == 0 else "",
            )
    return world


def _queries(client: Any, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in context.captured_queries]


def test_member_list_queries_are_constant(
    big_world: World, client: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(big_world.users["officer"])
    client.get("/")  # the first request of a session records its time (idle timeout)
    # 1 session, 2 user, 3 the user's role assignments (scoping, cached for the request),
    # 4 count for the paginator, 5 the page of members with branch and group joined,
    # 6 organisations for the filter list, 7 the unread-reminder count in the navigation bar.
    # (Permissions come from the role assignments cached for the request.)
    with django_assert_num_queries(7):
        response = client.get("/members/")
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 50
    # The same count for a filtered page and the last page.
    with django_assert_num_queries(7):
        client.get("/members/?page=3&q=成员")
    with django_assert_num_queries(7):
        client.get(f"/members/?branch={big_world.general_branch.pk}&mobile=1")


def test_tree_queries_do_not_grow_with_the_tree(
    big_world: World, client: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(big_world.users["officer"])
    client.get("/")
    # 1 session, 2 user, 3 role assignments, 4 the visible organisations with member counts,
    # 5 the unread-reminder count in the navigation bar.
    with django_assert_num_queries(5):
        response = client.get("/orgs/")
    html = response.content.decode()
    assert "扩展党支部2" in html and "第1小组" in html
