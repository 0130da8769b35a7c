using ChatApp.Gateway.Hosting;

GatewayApp.Build(args).Run();
