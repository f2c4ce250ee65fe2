"""API: reference."""

from fastapi import APIRouter

router = APIRouter()
