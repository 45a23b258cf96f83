"""Pure rules of meetings (no database)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class VoteOutcome:
    quorate: bool
    passed: bool
    explanation: str


def vote_outcome(*, entitled: int, present: int, votes_for: int) -> VoteOutcome:
    """RULES A-5: a meeting is quorate with more than half of the voting members present; a
    resolution passes with more "yes" votes than half of the members entitled to vote (not of
    those present)."""
    quorate = present * 2 > entitled
    passed = quorate and votes_for * 2 > entitled
    if not quorate:
        why = f"实到{present}人，未超过应到{entitled}人的半数，不足法定人数，表决无效"
    elif passed:
        why = f"赞成{votes_for}票，超过应到{entitled}人的半数，通过"
    else:
        why = f"赞成{votes_for}票，未超过应到{entitled}人的半数，未通过"
    return VoteOutcome(quorate=quorate, passed=passed, explanation=why)
