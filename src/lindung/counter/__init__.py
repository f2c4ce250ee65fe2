"""Counter enrolment."""
