"""API: exchange."""

from fastapi import APIRouter

router = APIRouter()
