"""Relationship crisis early warning 客户关系危机预警 (001; DEM-5): a stored signal per customer."""
