"""Browsers accept only ISO values in date inputs; a localised format would blank the field on
every edit page in Chinese and make the form unsavable."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import translation

from guanxi.web.archive import forms as archive_forms
from guanxi.web.keycustomers import forms as keycustomers_forms
from guanxi.web.market import forms as market_forms
from guanxi.web.plans import forms as plans_forms


def _date_widgets() -> list[tuple[str, forms.Widget]]:
    found: list[tuple[str, forms.Widget]] = [
        ("plans_forms.DATE", plans_forms.DATE),
        ("keycustomers_forms.DATE", keycustomers_forms.DATE),
    ]
    for module in (archive_forms, market_forms, plans_forms, keycustomers_forms):
        for name, form in vars(module).items():
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                meta = getattr(form, "Meta", None)
                widgets = dict(getattr(meta, "widgets", {}) or {})
                widgets.update({k: f.widget for k, f in form.base_fields.items()})
                found += [
                    (f"{name}.{k}", w)
                    for k, w in widgets.items()
                    if getattr(w, "input_type", "") in {"date", "datetime-local"}
                ]
    return found


def test_every_date_input_renders_iso_in_chinese() -> None:
    widgets = _date_widgets()
    assert len(widgets) >= 6  # the archive, plan, visit and market forms all have some
    moment = datetime.datetime(1972, 5, 9, 14, 30, tzinfo=datetime.UTC)
    with translation.override("zh-hans"):
        for name, widget in widgets:
            is_date = widget.input_type == "date"  # type: ignore[attr-defined]
            html = widget.render("d", moment.date() if is_date else moment.replace(tzinfo=None))
            expected = "1972-05-09" if is_date else "1972-05-09T14:30"
            assert re.search(rf'value="{expected}', html), (name, html)
