"""The quick select writes exactly the HTML of WTForms' own Select, option for option: values
and labels escaped (quotes, angle brackets, ampersands, non-Latin text), the chosen one
selected, data and boolean attributes, groups."""

from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice, SelectField
from wtforms.widgets import Select

from app.web.select_widget import QuickSelect

CHOICES = [
    SelectChoice(0, "— none —"),
    SelectChoice(1, 'Being "attentive"', render_kw={"data-principle": 7}, optgroup="Attentive"),
    SelectChoice(2, "<b>&</b>", render_kw={"data-principle": '"x"'}, optgroup="Åttentive"),
    SelectChoice(3, "Ωμέγα", render_kw={"disabled": True, "hidden": False}, optgroup="Åttentive"),
    SelectChoice(4, "", render_kw={"data_principle": 9}),
]


class Both(Form):
    theirs = SelectField("Theirs", coerce=int, choices=CHOICES, widget=Select())
    ours = SelectField("Ours", coerce=int, choices=CHOICES, widget=QuickSelect())


def test_every_option_is_written_as_wtforms_writes_it():
    for data in ({}, {"theirs": "2", "ours": "2"}, {"theirs": "4", "ours": "4"}):
        form = Both(MultiDict(data))
        form.validate()
        theirs = str(form.theirs(class_="wide")).replace('id="theirs" name="theirs"', "")
        ours = str(form.ours(class_="wide")).replace('id="ours" name="ours"', "")
        assert ours == theirs
        assert ours.count("<option") == len(CHOICES)
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in ours and "disabled" in ours
