"""Evidence and attachment files (goals' 佐证材料, meetings' 附件): one set of rules — office
documents, PDF or pictures, at most 10 MB, not empty — and the SHA-256 kept with each file."""

import hashlib
from pathlib import PurePath
from typing import Any

MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx")


def upload_name(upload: Any) -> str:
    """The file's own name, without any path a browser may send."""
    return PurePath(getattr(upload, "name", "") or "").name


def upload_problems(upload: Any, *, label: str) -> list[str]:
    """Why this file cannot be kept, as Chinese sentences starting with the field's label."""
    name = upload_name(upload)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    problems = []
    if extension not in ALLOWED_EXTENSIONS:
        problems.append(f"{label}：“{name}”的类型不允许，只能上传 {'/'.join(ALLOWED_EXTENSIONS)} 文件")
    if upload.size > MAX_FILE_BYTES:
        problems.append(f"{label}：“{name}”超过10MB")
    if upload.size == 0:
        problems.append(f"{label}：“{name}”是空文件")
    return problems


def sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
