"""Small reusable widgets (desk header, figure tiles, script panel…)."""
