"""Pages: exchange."""

from fastapi import APIRouter

router = APIRouter()
