"""Evidence (佐证材料): uploading, downloading and removing files of reports and contributions."""
