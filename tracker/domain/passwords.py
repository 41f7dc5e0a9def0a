"""Password policies (issue 9 §4): what a new password must be, how long it lasts and how
many earlier ones it may not repeat. Pure Python.

Profiles: "basic" (the default) asks for at least 10 characters. "dengbao" follows the
usual reading of GB/T 22239-2019 (等保 2.0) 8.1.4.1 身份鉴别 for government systems: at
least 8 characters of three of the four classes (upper case, lower case, digits, other
signs), changed every 90 days, none of the last 5 passwords.
"""

from __future__ import annotations

from dataclasses import dataclass

CLASS_NAMES = ("大写字母", "小写字母", "数字", "特殊符号")


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """A password rule: ``min_length`` characters of at least ``min_classes`` character
    classes; changed every ``max_age_days`` days (None: never required); a new password
    differs from the last ``history`` passwords (1: from the current one)."""

    name: str
    min_length: int
    min_classes: int = 1
    max_age_days: int | None = None
    history: int = 1

    def problems(self, password: str) -> list[str]:
        """Chinese messages for each rule ``password`` breaks; empty when it is acceptable."""
        found = []
        if len(password) < self.min_length:
            found.append(f"密码至少 {self.min_length} 位")
        if character_classes(password) < self.min_classes:
            found.append(f"密码须包含{'、'.join(CLASS_NAMES)}中的至少 {self.min_classes} 类")
        return found

    def describe(self) -> str:
        """The rule in one Chinese sentence, for the change-password form."""
        parts = [f"至少 {self.min_length} 位"]
        if self.min_classes > 1:
            parts.append(f"包含{'、'.join(CLASS_NAMES)}中的至少 {self.min_classes} 类")
        if self.history > 1:
            parts.append(f"不得与最近 {self.history} 次使用过的密码相同")
        else:
            parts.append("不得与当前密码相同")
        if self.max_age_days is not None:
            parts.append(f"每 {self.max_age_days} 天须更换一次")
        return "密码" + "，".join(parts) + "。"


BASIC = PasswordPolicy("basic", min_length=10)
DENGBAO = PasswordPolicy("dengbao", min_length=8, min_classes=3, max_age_days=90, history=5)
PROFILES = {policy.name: policy for policy in (BASIC, DENGBAO)}


def character_classes(password: str) -> int:
    """How many of the four classes (A–Z, a–z, 0–9, anything else) ``password`` uses."""
    return sum(
        (
            any("A" <= c <= "Z" for c in password),
            any("a" <= c <= "z" for c in password),
            any("0" <= c <= "9" for c in password),
            any(not ("A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9") for c in password),
        )
    )
