"""viz.backward_steps and viz.animate_backward: the backward pass one step at a time."""
from __future__ import annotations

import re

import pytest
from hypothesis import given

import viz
from autograd import Value
from autograd.graph import topo_sort
from tests.browser import Browser
from tests.classic import neuron
from tests.expressions import backpropagated, programs

GRAD = re.compile(r"^\t(n\d+) \[label=<.*<B>grad</B>.*?<B>([^<]+)</B>", re.M)


def shown_grads(frame) -> dict[str, str]:
    return dict(GRAD.findall(frame.source))


def test_one_frame_per_step_in_reverse_topological_order():
    out = neuron()
    order = topo_sort(out)
    frames = viz.backward_steps(out)
    assert len(frames) == len(order) == 10
    for step, (frame, node) in enumerate(zip(frames, reversed(order)), start=1):
        nid = f"n{order.index(node)}"
        assert f"Step {step} of 10" in frame.source
        assert re.search(rf"^\t{nid} \[label=<<TABLE BORDER=\"3\" COLOR=\"#e67700\"", frame.source, re.M)
        just_sent = re.findall(r"-> (n\d+) \[.*color=\"#c92a2a\"", frame.source)
        assert just_sent == [nid] * len(node.parents)


def test_grads_fill_in_step_by_step():
    out = neuron()
    frames = viz.backward_steps(out, precision=17)
    first, last = shown_grads(frames[0]), shown_grads(frames[-1])
    assert first["n9"] == "1" and first["n8"] != "?"  # the root sent to its parent
    assert sum(value == "?" for value in first.values()) == 8
    assert "?" not in last.values()
    for i, node in enumerate(topo_sort(out)):
        assert float(last[f"n{i}"]) == node.grad


def test_a_partial_sum_shows_before_the_second_use_arrives():
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    c = b + a
    c.label = "c"
    c.backward()
    ids = {n.label: f"n{i}" for i, n in enumerate(topo_sort(c)) if n.label}
    seen = [shown_grads(frame)[ids["a"]] for frame in viz.backward_steps(c)]
    assert seen[0] == "1" and seen[-1] == "4"  # 1 from c directly, then 3 more through b
    assert "a is a leaf; its gradient is complete, summed over its 2 uses" in \
        viz.backward_steps(c)[-1].source


@given(programs(max_leaves=3, max_steps=6))
def test_the_last_frame_matches_backward_and_no_grad_is_touched(program):
    out = backpropagated(program)
    before = [n.grad for n in topo_sort(out)]
    frames = viz.backward_steps(out, precision=17, max_nodes=200)
    assert [n.grad for n in topo_sort(out)] == before
    last = shown_grads(frames[-1])
    assert [float(last[f"n{i}"]) for i in range(len(before))] == before


def test_steps_do_not_need_backward_to_have_run():
    x = Value(3.0, label="x")
    y = x * x
    frames = viz.backward_steps(y, precision=17)
    assert x.grad == 0.0 and y.grad == 0.0
    assert shown_grads(frames[-1])["n0"] == "6"


def test_too_many_nodes_is_refused_with_the_way_out():
    x = Value(1.0, label="x")
    for _ in range(40):
        x = x * 1.0
    with pytest.raises(ValueError, match="81 nodes, more than max_nodes=60.*pass max_nodes=81"):
        viz.backward_steps(x)
    assert len(viz.backward_steps(x, max_nodes=81)) == 81


@pytest.mark.parametrize("thing", [1.0, "x", None])
def test_non_nodes_are_refused(thing):
    with pytest.raises(TypeError, match="backward_steps: expected an autograd Value or Tensor"):
        viz.backward_steps(thing)


def test_animation_without_dot_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.animate_backward(neuron(), tmp_path / "steps.html")
    assert not (tmp_path / "steps.html").exists()


@pytest.mark.dot
def test_animation_is_one_self_contained_html_file(tmp_path):
    out = neuron()
    path = tmp_path / "steps.html"
    animation = viz.animate_backward(out, path)
    html = path.read_text(encoding="utf-8")
    assert html == animation.html and len(animation) == 10
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 10
    assert html.count('class="tg-frame"') == 10 and html.count('class="tg-frame" hidden') == 9
    for control in ("Previous", "Play", "Next", "ArrowLeft", "ArrowRight", 'type="range"'):
        assert control in html
    # nothing is fetched: no external scripts, styles, images or fonts
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "Step 4 of 10" in html and "<title>n" not in html


@pytest.mark.dot
def test_an_animation_written_by_animate_backward_says_where(tmp_path):
    animation = viz.animate_backward(neuron(), tmp_path / "steps.html")
    assert repr(animation) == (f"<Animation of 10 backward steps: display it in a notebook; "
                               f"written to {tmp_path / 'steps.html'}>")
    assert ".save(" not in repr(animation)


@pytest.mark.dot
def test_animation_and_steps_display_inline_in_a_notebook():
    out = neuron()
    animation = viz.animate_backward(out)
    fragment = animation._repr_html_()
    assert fragment.count("<svg") == 10 and "<html" not in fragment
    assert "<script>" in fragment and 'data-page-keys="0"' in fragment
    assert repr(animation).startswith("<Animation of 10 backward steps")
    assert "write it with .save('steps.html')" in repr(animation)
    x = Value(3.0, label="x")
    small = x * x
    steps_html = viz.backward_steps(small)._repr_html_()
    assert steps_html.count("<svg") == 2
    assert viz.backward_steps(small)._repr_html_() == steps_html  # reproducible


@pytest.mark.dot
def test_every_object_viz_returns_displays_in_jupyter():
    from IPython.core.formatters import DisplayFormatter

    x = Value(3.0, label="x")
    out = x * x + 1.0
    out.label = "o"
    out.backward()
    formatter = DisplayFormatter()
    expected = {viz.draw: "image/svg+xml", viz.backward_steps: "text/html",
                viz.animate_backward: "text/html", viz.explain: "text/plain"}
    for function, mimetype in expected.items():
        data, _ = formatter.format(function(out))
        assert data.get(mimetype), function.__name__
    assert formatter.format(viz.explain(out))[0]["text/plain"].startswith("o.grad = 1.0")


@pytest.mark.dot
@pytest.mark.browser
def test_the_step_player_plays_in_headless_chromium(tmp_path):
    """The player's controls (player.js) are shared with the playground: check them here too."""
    page = viz.animate_backward(neuron(), tmp_path / "steps.html").path
    shown = ("[document.querySelector('.tg-count').textContent,"
             " [...document.querySelectorAll('.tg-frame')].findIndex(f => !f.hidden),"
             " document.querySelector('.tg-slider').value]")
    with Browser(tmp_path / "profile") as browser:
        url = browser.open(page)
        seen = [browser.evaluate(shown)]
        browser.press("ArrowRight")
        browser.press("ArrowRight")
        seen.append(browser.evaluate(shown))
        browser.press("End")
        seen.append(browser.evaluate(shown))
        browser.press("ArrowRight")  # past the last frame: stays there
        seen.append(browser.evaluate(shown))
        browser.press("Home")
        browser.evaluate("document.querySelector('.tg-prev').click()")  # before the first: stays
        seen.append(browser.evaluate(shown))
        browser.evaluate("document.querySelector('.tg-next').click()")
        seen.append(browser.evaluate(shown))
        errors, requests = browser.errors(), browser.requests()
    assert errors == [] and requests == [url]
    assert seen == [["step 1 of 10", 0, "0"], ["step 3 of 10", 2, "2"], ["step 10 of 10", 9, "9"],
                    ["step 10 of 10", 9, "9"], ["step 1 of 10", 0, "0"], ["step 2 of 10", 1, "1"]]
