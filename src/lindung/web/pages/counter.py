"""Pages: counter."""

from fastapi import APIRouter

router = APIRouter()
