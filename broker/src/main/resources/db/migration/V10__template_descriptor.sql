-- The template's descriptor as JSON (TemplateDescriptor). NULL in rows projected before descriptors existed:
-- those read as the short form (disk boot on the default network), as their events do.
ALTER TABLE template_view ADD COLUMN descriptor TEXT;
