"""Forms of the evidence pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from tracker.web.forms import TrackerForm


class EvidenceForm(TrackerForm):
    """One file to attach; its type and size are checked by the evidence service."""

    file = FileField("佐证材料", validators=[FileRequired("请选择要上传的文件。")])


class RemoveEvidenceForm(TrackerForm):
    """Removing a file: only the CSRF token."""
