"""The compliance engine: rules compiled to SQL expressions, evaluated in the database (DESIGN.md section 4)."""
