"""API: agreements."""

from fastapi import APIRouter

router = APIRouter()
