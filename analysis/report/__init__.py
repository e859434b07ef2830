"""What readers see: formatted tables, charts with captions and alt text, and prose, built
from model results for the notebooks and the live explorer."""
