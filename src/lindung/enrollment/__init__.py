"""Enrolment: roster import, counter enrolment, memberships and their dates."""
