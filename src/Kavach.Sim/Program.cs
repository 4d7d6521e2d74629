System.Console.WriteLine("kavach-sim");
