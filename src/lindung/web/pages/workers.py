"""Pages: workers."""

from fastapi import APIRouter

router = APIRouter()
