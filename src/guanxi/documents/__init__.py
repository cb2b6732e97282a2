"""Printed and exported documents: PDF from templates (WeasyPrint, CJK font) and watermarks.

Every document names its reader, unit and time on each page (000 §20.1: the archive is a
confidential file), so a printed or exported copy can be traced. Callers register the reads
through guanxi.access before rendering; this package only lays documents out.
"""
