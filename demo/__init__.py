"""Demo data: the seed_demo command, which gathers each app's demo seeding (demo mode only)."""
