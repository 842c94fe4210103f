"""``/api/v1/problems/{slug}``: what each problem ``type`` of this API means."""

from __future__ import annotations

from fastapi import APIRouter

from api.problems import ApiProblem, catalogue_of_problems

router = APIRouter(prefix="/api/v1/problems", tags=["problems"])


@router.get("", summary="Every problem type this API answers with")
def all_problems() -> dict[str, dict[str, object]]:
    return catalogue_of_problems()


@router.get("/{slug}", summary="What one problem type means")
def one_problem(slug: str) -> dict[str, object]:
    known = catalogue_of_problems()
    if slug not in known:
        raise ApiProblem(404, "not-found", f"no problem type {slug[:60]!r} in this API")
    return {"type": f"/api/v1/problems/{slug}", **known[slug]}
