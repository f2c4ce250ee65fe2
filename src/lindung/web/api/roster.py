"""API: roster."""

from fastapi import APIRouter

router = APIRouter()
