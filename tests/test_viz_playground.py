"""viz.Playground: the offline playground page, checked as text and in headless Chromium."""
from __future__ import annotations

import json
import re

import pytest

import nn.playground
from tests.browser import Browser
from viz.playground import LivePlayground, Playground, page_html, player_html


@pytest.fixture(scope="module")
def run():
    return nn.playground.train("moons", hidden=[4, 3], steps=30, frames=8, batch_size=8, lr=0.5,
                               points=40, grid=16)


def embedded(html: str) -> dict:
    text = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S).group(1)
    return json.loads(text.replace("<\\/", "</"))


def test_the_page_embeds_every_frame_and_loads_nothing(run):
    html = Playground(run.meta, run.frames).html
    data = embedded(html)
    assert data["frames"] == run.frames and data["meta"] == run.meta
    # Self-contained: no external scripts, styles, images or fonts.
    assert not re.search(r'\b(src|href)="(?!data:)', html)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html)
    assert "@import" not in html and "url(" not in html


def test_text_in_the_data_cannot_close_the_script_element(run):
    meta = dict(run.meta, dataset="</script><script>alert(1)</script>")
    html = page_html(meta, run.frames)
    assert html.count("</script>") == 2  # the data's and the player's own
    assert embedded(html)["meta"]["dataset"] == meta["dataset"]
    assert "&lt;/script&gt;" in html  # and the title escapes it


def test_the_page_is_reproducible_and_ids_differ_between_runs(run):
    a, b = Playground(run.meta, run.frames).html, Playground(run.meta, run.frames).html
    assert a == b
    assert re.search(r'id="(tgp-\w+)"', player_html(run.meta, run.frames[:3])).group(1) != \
        re.search(r'id="(tgp-\w+)"', player_html(run.meta, run.frames)).group(1)


def test_save_writes_the_page_atomically(run, tmp_path):
    path = Playground(run.meta, run.frames).save(tmp_path / "p.html")
    assert path.read_text(encoding="utf-8") == Playground(run.meta, run.frames).html
    assert [p.name for p in tmp_path.iterdir()] == ["p.html"]


def test_a_hundred_frames_of_the_default_network_stay_well_under_10_mb():
    many = nn.playground.train("moons", steps=99, frames=100)
    assert len(many.frames) == 100
    size = len(Playground(many.meta, many.frames).html.encode())
    assert size < 2_000_000, f"{size:,} bytes"


@pytest.mark.parametrize("meta, frames, error", [
    ({"dataset": "moons"}, None, TypeError),
    (None, [], ValueError),
    (None, [{"step": 0}], TypeError),
])
def test_bad_input_is_refused(run, meta, frames, error):
    with pytest.raises(error, match="Playground"):
        Playground(run.meta if meta is None else meta, run.frames if frames is None else frames)


class _Handle:
    def __init__(self, log):
        self.log = log

    def update(self, content):
        self.log.append(("update", content.data))


def test_live_view_displays_once_then_updates_in_place(run, monkeypatch):
    import IPython.display

    log = []
    monkeypatch.setattr(IPython.display, "display",
                        lambda content, display_id: log.append(("display", content.data)) or _Handle(log))
    live = LivePlayground(interval=3600)  # only the first frame and the finished run get through
    partial = nn.playground.PlaygroundRun(meta=run.meta, frames=run.frames[:1])
    live.update(partial)
    live.update(nn.playground.PlaygroundRun(meta=run.meta, frames=run.frames[:2]))
    live.update(run)
    assert [kind for kind, _ in log] == ["display", "update"] and live.updates == 2
    assert embedded(log[0][1])["frames"] == run.frames[:1]
    assert log[1][1] == player_html(run.meta, run.frames, start="last")


# ---- in a real browser ----
@pytest.mark.browser
def test_the_page_plays_in_headless_chromium(run, tmp_path):
    page = Playground(run.meta, run.frames).save(tmp_path / "playground.html")
    with Browser(tmp_path / "profile") as browser:
        url = browser.open(page)
        state = ("[document.querySelector('.tgp-count').textContent,"
                 " document.querySelector('.tgp-boundary').toDataURL(),"
                 " document.querySelector('.tgp-panel').textContent]")
        seen = [browser.evaluate(state)]
        for _ in range(3):
            browser.press("ArrowRight")
            seen.append(browser.evaluate(state))
        browser.screenshot(tmp_path / "playground.png")
        browser.press("End")
        last = browser.evaluate(state)
        browser.press("ArrowLeft")
        back = browser.evaluate(state)
        errors, requests = browser.errors(), browser.requests()
    assert errors == []
    assert requests == [url], "the page requested something besides itself"
    counters = [s[0] for s in seen]
    assert counters[0].startswith(f"frame 1 of {len(run.frames)} · step 0")
    assert counters[3].startswith(f"frame 4 of {len(run.frames)} · step {run.frames[3]['step']}")
    assert len(set(counters)) == 4 and len({s[1] for s in seen}) == 4, "the boundary must change per frame"
    assert last[0].startswith(f"frame {len(run.frames)} of") and "training ended" in last[2]
    assert back[0].startswith(f"frame {len(run.frames) - 1} of") and "w ← w − lr·grad" in back[2]
    # The update panel shows frame 4's numbers for the first weight: w − lr·grad.
    w, g = run.frames[3]["w"][0][0][0], run.frames[3]["g"][0][0][0]
    numbers = re.search(r"w = (\S+)\s+grad = (\S+)\s+lr = (\S+)\nw ← w − lr·grad = .* = (\S+)", seen[3][2])
    shown = [float(x.replace("−", "-")) for x in numbers.groups()]
    assert shown[:3] == pytest.approx([w, g, run.meta["lr"]], rel=1e-3, abs=1e-4)
    assert shown[3] == pytest.approx(w - run.meta["lr"] * g, rel=1e-3, abs=1e-4)
    png = (tmp_path / "playground.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


@pytest.mark.browser
def test_clicking_an_edge_follows_its_weight_and_clicking_a_point_probes_it(run, tmp_path):
    page = Playground(run.meta, run.frames).save(tmp_path / "playground.html")
    click = "el => el.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: %s, clientY: %s}))"
    with Browser(tmp_path / "profile") as browser:
        browser.open(page)
        panel = "document.querySelector('.tgp-panel').textContent"
        browser.evaluate(f"({click % (0, 0)})(document.querySelectorAll('.tgp-edge')[5])")
        edge_text = browser.evaluate(panel)
        browser.evaluate(f"({click % (0, 0)})(document.querySelectorAll('.tgp-node')[2])")
        bias_text = browser.evaluate(panel)
        # Probe point 2: click where the page draws it on the boundary canvas.
        x, y = run.meta["points"][run.meta["probes"][1]]
        lo, hi = run.meta["grid"]["lo"], run.meta["grid"]["hi"]
        at = (f"(() => {{ const c = document.querySelector('.tgp-boundary'), b = c.getBoundingClientRect();"
              f" return [b.left + ({x} - {lo[0]}) / ({hi[0] - lo[0]}) * b.width,"
              f" b.top + (1 - ({y} - {lo[1]}) / ({hi[1] - lo[1]})) * b.height]; }})()")
        cx, cy = browser.evaluate(at)
        browser.evaluate(f"({click % (cx, cy)})(document.querySelector('.tgp-boundary'))")
        probe_text = browser.evaluate(panel)
        assert browser.errors() == []
    # Edge 5 of the first layer (2 inputs per neuron) runs from x1 to neuron 3.
    assert edge_text.startswith("w from x1 to layer 1 neuron 3")
    assert "w = " in edge_text and "point 1 " in edge_text
    # The third node is the first hidden neuron: clicking it follows its bias.
    b, g = run.frames[0]["w"][0][0][2], run.frames[0]["g"][0][0][2]
    assert bias_text.startswith("bias of layer 1 neuron 1") and "b ← b − lr·grad" in bias_text
    shown = re.search(r"b = (\S+)\s+grad = (\S+)", bias_text).groups()
    assert [float(x.replace("−", "-")) for x in shown] == pytest.approx([b, g], rel=1e-3, abs=1e-4)
    assert "point 2 " in probe_text and f"class {run.meta['labels'][run.meta['probes'][1]]}" in probe_text


@pytest.mark.browser
def test_two_players_on_one_page_as_in_a_notebook_work_independently(run, tmp_path):
    """A notebook shows fragments: the live view's starts at its newest frame."""
    page = tmp_path / "notebook.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><link rel='icon' href='data:,'></head><body>"
                    + player_html(run.meta, run.frames[:4], start="last")
                    + player_html(run.meta, run.frames) + "</body></html>", encoding="utf-8")
    counters = "[...document.querySelectorAll('.tgp-count')].map(c => c.textContent)"
    with Browser(tmp_path / "profile") as browser:
        browser.open(page)
        first = browser.evaluate(counters)
        browser.evaluate("document.querySelectorAll('.tgp-next')[1].click()")
        second = browser.evaluate(counters)
        assert browser.errors() == []
    assert first[0].startswith("frame 4 of 4") and first[1].startswith(f"frame 1 of {len(run.frames)}")
    assert second[0] == first[0] and second[1].startswith(f"frame 2 of {len(run.frames)}")
