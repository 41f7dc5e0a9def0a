"""Forms of the unit's work page: the Excel upload."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField

from tracker.web.forms import TrackerForm, choices

#: Upload modes: submit every row for review, or keep them as drafts.
MODES = (("submit", "提交审核"), ("draft", "保存为草稿"))


class UploadForm(TrackerForm):
    """A filled template (.xlsx) and whether to submit it or save it as drafts."""

    file = FileField(
        "填好的填报模板",
        validators=[
            FileRequired("请选择要上传的填报模板。"),
            FileAllowed(["xlsx"], "只能上传 .xlsx 格式的 Excel 文件（请使用下载的填报模板）。"),
        ],
    )
    mode = RadioField("导入方式", choices=choices(MODES), default="submit")
