"""A page and the length of its list in one query; a page past the end shows the last one."""

import pytest

from accounts.models import Municipality
from config.paging import WindowPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    Municipality.objects.bulk_create(Municipality(name=f"Sted {n:02d}") for n in range(7))
    return Municipality.objects.filter(name__startswith="Sted").order_by("name")


def test_a_page_and_the_count_come_in_one_query(places, django_assert_num_queries):
    paginator = WindowPaginator(places, 3)
    with django_assert_num_queries(1):
        page = paginator.get_page("2")
        assert [m.name for m in page.object_list] == ["Sted 03", "Sted 04", "Sted 05"]
        assert (paginator.count, paginator.num_pages, page.number) == (7, 3, 2)
        assert page.has_next() and page.has_previous()


@pytest.mark.parametrize(("asked", "shown"), [("9", 3), ("x", 1), (None, 1), ("-4", 1), ("0", 1)])
def test_a_page_number_out_of_range_or_malformed_shows_the_nearest_page(places, asked, shown):
    page = WindowPaginator(places, 3).get_page(asked)
    assert page.number == shown
    assert page.paginator.count == 7
    assert len(page.object_list) == (1 if shown == 3 else 3)


def test_an_empty_list_has_one_empty_page():
    paginator = WindowPaginator(Municipality.objects.filter(name="Nowhere").order_by("pk"), 3)
    page = paginator.get_page("1")
    assert (paginator.count, page.number, list(page.object_list)) == (0, 1, [])
