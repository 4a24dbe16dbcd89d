"""POST /api/assess: the cited answer for an accident under a plan."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from yingji.assess import service
from yingji.assess.schemas import AssessmentRead, AssessRequest
from yingji.auth.roles import Permission
from yingji.deps import require

router = APIRouter(prefix="/api/assess", tags=["事故研判"], dependencies=[Depends(require(Permission.PLANS_READ))])


@router.post("", response_model=AssessmentRead, response_model_by_alias=True)
def assess(request: AssessRequest) -> AssessmentRead:
    """按预案判定事故等级、响应级别、决定机关、牵头机关、报告时限和信息发布机关，并给出条款依据。"""
    return service.run(request)
