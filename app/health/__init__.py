"""What browsers and load balancers ask of the app itself: the health check and the favicon."""
