"""Form fields with one look: a visible label tied to its control, then the control.

Every field's id is `field-<name>` unless given (handlers clear a field with
`rx.set_value(id, "")`, tests find it by its label).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import reflex as rx
from reflex.vars import ArrayVar

from hitrec_app.components.sections import Spacing, note

_LABEL_STYLE = {"fontWeight": 500}
_SELECT_STYLE = {
    "width": "100%",
    "padding": "0.5em",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
}


def form_stack(
    *children: rx.Component,
    on_submit: Any,
    label: str | rx.Var[str] = "",
    spacing: Spacing = "3",
    max_width: str | None = None,
    **props: Any,
) -> rx.Component:
    """A form (named `label` for screen readers, when given) whose fields and buttons stand
    one under the other, full width up to `max_width`; `props` go to `rx.form`."""
    return rx.form(
        rx.vstack(
            *children,
            spacing=spacing,
            width="100%",
            **({"max_width": max_width} if max_width else {}),
        ),
        on_submit=on_submit,
        width="100%",
        **({"aria_label": label} if isinstance(label, rx.Var) or label else {}),
        **props,
    )


def inline_form(
    *children: rx.Component,
    on_submit: Any,
    label: str = "",
    align: Literal["start", "center", "end"] = "start",
    **props: Any,
) -> rx.Component:
    """A one-line form: a field and its button side by side, full width."""
    return rx.form(
        rx.hstack(*children, align=align, width="100%"),
        on_submit=on_submit,
        width="100%",
        **({"aria_label": label} if label else {}),
        **props,
    )


def _field_id(field_id: str | rx.Var[str], name: str) -> str | rx.Var[str]:
    """The control's id: given (a plain id, or a var for a field repeated per row), or
    `field-<name>`."""
    if isinstance(field_id, rx.Var):
        return field_id
    return field_id or f"field-{name}"


def _field(
    label: str | rx.Var[str], field_id: str | rx.Var[str], control: rx.Component, hint: str
) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style=_LABEL_STYLE),
        control,
        note(hint, size="1") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def text_field(
    label: str | rx.Var[str],
    name: str,
    *,
    field_id: str | rx.Var[str] = "",
    hint: str = "",
    **props: Any,
) -> rx.Component:
    """A labelled one-line input (`props` go to `rx.input`: type, default_value, required...)."""
    fid = _field_id(field_id, name)
    return _field(label, fid, rx.input(name=name, id=fid, width="100%", size="3", **props), hint)


def text_area_field(
    label: str | rx.Var[str],
    name: str,
    *,
    field_id: str | rx.Var[str] = "",
    hint: str = "",
    rows: int = 4,
    **props: Any,
) -> rx.Component:
    """A labelled multi-line text area."""
    fid = _field_id(field_id, name)
    control = rx.text_area(name=name, id=fid, rows=str(rows), width="100%", **props)
    return _field(label, fid, control, hint)


def select_field(
    label: str | rx.Var[str],
    name: str,
    options: Sequence[tuple[str, str]] | rx.Var[Sequence[Any]],
    *,
    field_id: str | rx.Var[str] = "",
    hint: str = "",
    first: tuple[str, str] | None = None,
    option: Any = None,
    **props: Any,
) -> rx.Component:
    """A labelled native select that submits with its form.

    `options` are (value, label) pairs, or a list var rendered with `option(row)`
    returning `(value_var, label_var)`; `first` is a fixed option shown before them.
    """
    fid = _field_id(field_id, name)
    items: list[rx.Component] = []
    if first is not None:
        items.append(rx.el.option(first[1], value=first[0]))
    if isinstance(options, rx.Var):
        items.append(
            rx.foreach(options, lambda row: rx.el.option(option(row)[1], value=option(row)[0]))
        )
    else:
        items.extend(rx.el.option(text, value=value) for value, text in options)
    control = rx.el.select(
        *items, name=name, id=fid, class_name="hitrec-select", style=_SELECT_STYLE, **props
    )
    return _field(label, fid, control, hint)


def checkbox_field(
    label: str | rx.Var[str],
    name: str,
    *,
    label_size: Literal["1", "2", "3"] = "3",
    **props: Any,
) -> rx.Component:
    """A checkbox with its label beside it (the label is part of the click target);
    `label_size` matches the label to small print around it."""
    return rx.el.label(
        rx.hstack(
            rx.checkbox(name=name, **props),
            rx.text(label, size=label_size),
            spacing="2",
            align="center",
        ),
        style={"cursor": "pointer"},
    )


def radio_field(
    label: str | rx.Var[str],
    name: str,
    options: ArrayVar[Sequence[str]],
    *,
    value: rx.Var[str],
    on_change: Any,
) -> rx.Component:
    """A labelled row of radio buttons, one per value of `options` (shown capitalised).

    Held in the state (`value`, `on_change`), not submitted with the form; ids are
    `<name>-label` for the label and `<name>-<value>` for each button.
    """
    label_id = f"{name}-label"
    return rx.vstack(
        rx.el.label(label, id=label_id, style=_LABEL_STYLE),
        rx.radio_group.root(
            rx.hstack(
                rx.foreach(
                    options,
                    lambda v: rx.el.label(
                        rx.hstack(
                            rx.radio_group.item(value=v, id=f"{name}-{v}"),
                            rx.text(v.capitalize()),
                            align="center",
                            spacing="1",
                        ),
                        html_for=f"{name}-{v}",
                    ),
                ),
                spacing="4",
            ),
            value=value,
            on_change=on_change,
            aria_labelledby=label_id,
        ),
        spacing="1",
    )


def upload_field(
    label: str | rx.Var[str], upload_id: str, *, accept: Any = None, button: str = "Choose file"
) -> rx.Component:
    """A labelled drop zone for one file, and the name of the file chosen.

    The file goes up with `rx.upload_files(upload_id=...)`; `accept` maps MIME types
    to file extensions (the browser's file chooser offers only those)."""
    return rx.vstack(
        rx.text(label, weight="medium"),
        rx.upload.root(
            rx.vstack(
                rx.button(button, type="button", variant="outline"),
                note("or drop it here"),
                align="center",
            ),
            id=upload_id,
            max_files=1,
            multiple=False,
            border="1px dashed var(--gray-a8)",
            padding="1.25em",
            width="100%",
            border_radius="var(--radius-3)",
            accept=accept,
        ),
        rx.text(rx.selected_files(upload_id).join(", "), size="2", aria_live="polite"),
        spacing="1",
        width="100%",
    )


def checkbox_group(legend: str | rx.Var[str], *checkboxes: rx.Component) -> rx.Component:
    """Several checkboxes (`checkbox_field`s) in a row under one legend."""
    return rx.el.fieldset(
        rx.el.legend(legend, style=_LABEL_STYLE),
        rx.hstack(*checkboxes, spacing="4"),
        style={"border": "none", "padding": 0},
    )


def choice_select(
    label: str,
    choices: Sequence[tuple[str, str]],
    *,
    value: str | rx.Var[str],
    on_change: Any,
    field_id: str,
) -> rx.Component:
    """A small labelled select that acts at once (sort order, filters), outside any form.

    `choices` are (value, label) pairs; `on_change` gets the chosen value.
    """
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style={"fontSize": "var(--font-size-1)"}),
        rx.select.root(
            rx.select.trigger(id=field_id, aria_label=label),
            rx.select.content(*[rx.select.item(text, value=v) for v, text in choices]),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
    )
