import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string

from sendplan.web.paging import page_links


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, [1, 2, None, 10]),
        (5, [1, None, 4, 5, 6, None, 10]),
        (9, [1, None, 8, 9, 10]),
        (10, [1, None, 9, 10]),
    ],
)
def test_page_links_show_ends_and_neighbours_with_gaps(number, expected):
    assert page_links(Paginator(range(250), 25).page(number)) == expected


def test_a_single_page_needs_one_link_and_no_pagination():
    page = Paginator(range(3), 25).page(1)
    assert page_links(page) == [1]
    assert "govuk-pagination" not in render_to_string(
        "web/_pagination.html", {"page_obj": page, "page_links": page_links(page)}
    )


def test_pagination_marks_the_current_page_and_gaps(rf):
    page = Paginator(range(250), 25).page(5)
    html = render_to_string(
        "web/_pagination.html",
        {"page_obj": page, "page_links": page_links(page)},
        request=rf.get("/learners/", {"page": "5"}),
    )
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert 'href="?page=5" aria-label="Page 5" aria-current="page"' in html
    assert 'href="?page=4" rel="prev"' in html and 'href="?page=6" rel="next"' in html


def test_pagination_links_keep_the_filters_and_replace_the_page(rf):
    page = Paginator(range(250), 25).page(2)
    html = render_to_string(
        "web/_pagination.html",
        {"page_obj": page, "page_links": page_links(page)},
        request=rf.get("/places/", {"kind": "special", "page": "2"}),
    )
    assert 'href="?kind=special&amp;page=3" rel="next"' in html
